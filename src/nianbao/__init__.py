"""nianbao (年报): templates, checks, merges and publishes 政府信息公开工作年度报告 tables."""

__version__ = "0.1.0"
GENERATOR = f"nianbao {__version__}"
