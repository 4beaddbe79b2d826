"""ldn-tui: a keyboard-first terminal guide to low dose naltrexone (LDN).

Education, not medical advice.
"""

__version__ = "0.1.0"
