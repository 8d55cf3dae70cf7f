from deepcomposer_desktop.cli import main

raise SystemExit(main())
