import sys

from litellm_cli.shell import main

sys.exit(main())
