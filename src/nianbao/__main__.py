"""``python -m nianbao``: the same command as ``nianbao`` (on Windows, how a tool is run when
pip's script folder is not on PATH)."""

from nianbao.cli import main

if __name__ == "__main__":
    main()
