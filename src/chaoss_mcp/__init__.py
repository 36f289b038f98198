"""chaoss-mcp: CHAOSS community-health metrics for AI assistants, over MCP."""

__version__ = "0.1.0"
