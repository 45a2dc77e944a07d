# Example for the CLI: `node dist/cli.js fill examples/hello.py` fills the two marked holes.
import sys


def greet(name: str) -> str:
    """Return a friendly greeting for name."""
    return <FILL>


def main(argv: list[str]) -> int:
    names = argv[1:] or ["world"]
    for name in names:
        <FILL>
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
