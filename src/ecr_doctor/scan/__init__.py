"""`ecr-doctor scan` and `audit`: find static registry credentials and risky CI patterns.

The detectors (`detect`), rule pages (`rules`), .gitignore matching (`gitignore`) and baseline
(`baseline`) are standard library only, so they could run in Pyodide; the file walk, YAML
loading (PyYAML), progress (rich) and process pool live in `walk`, `yamlio` and `cli`.
"""
