import sys

from dlx.cli import main

if __name__ == "__main__":  # importing the module (a documentation generator does) runs nothing
    sys.exit(main())
