import sys

from ecr_doctor.cli.main import main

sys.exit(main())
