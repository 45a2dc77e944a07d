"""PGM training, evaluation, sampling reference and export (the Python side of pgm-infill).

Run the tools as modules from the repository root (`python -m training.train ...`), or from
anywhere once the package is installed (`pip install -e .`, see docs/training.md).
"""
