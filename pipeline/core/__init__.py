"""The data model and configuration every layer shares: Document/Article, text helpers, settings,
YAML loading, fault-injection points. Imports nothing else of pipeline."""
