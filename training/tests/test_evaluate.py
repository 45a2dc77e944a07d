"""evaluate.py prints a summary a person reads, not the whole report."""
from training.evaluate import summary


def test_summary_has_the_numbers_and_not_the_examples():
    kind = lambda em, es: {"exact_match": em, "edit_similarity": es}  # noqa: E731
    report = {"checkpoint": "runs/x/ckpt.pt", "parameters": 1234567, "eval_seconds": 95.3,
              "nelbo": {"val_bits_per_char": 3.26, "val_bits_per_token": 10.1},
              "infill": {"single_line": {"holes": 100, "model_length": kind(0.01, 0.05),
                                         "oracle_length": kind(0.02, 0.3), "baseline_empty": kind(0.0, 0.0),
                                         "baseline_copy_previous_line": kind(0.03, 0.25)}},
              "examples": {"single_line": [{"middle": "SECRET_EXAMPLE", "oracle_fill": "x"}]}}
    text = summary(report)
    assert "3.260 bits/char" in text and "1,234,567 parameters" in text
    row = next(line for line in text.splitlines() if line.startswith("single_line"))
    assert row.split() == ["single_line", "100", "0.010", "/", "0.050", "0.020", "/", "0.300", "0.000",
                           "0.030", "/", "0.250"]
    assert "SECRET_EXAMPLE" not in text and len(text.splitlines()) == 5
