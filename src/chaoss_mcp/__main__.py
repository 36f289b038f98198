from chaoss_mcp.cli import main

raise SystemExit(main())
