"""Investigative analytics workbench for insurance anti-fraud campaigns.

保险业反欺诈专项行动分析工作台: from insurers' submissions to a desensitized
DuckDB warehouse, screening rules, clues and per-company clue workbooks.
"""

__version__ = "0.1.0"
