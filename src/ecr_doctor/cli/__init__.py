"""The command line: `main` (argv to exit code, in `ecr_doctor.cli.main`) and one module per
sub-command, each with `configure(parser)` and `run(args, streams)`."""
