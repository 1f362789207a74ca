"""The reliability corpus: bad datasets, bad YAML files, CLI misuses, faults and attacks.

``build.py`` defines every case (``CASES``), builds it into a folder and runs it through the
``kpi`` command in-process; ``tests/test_corpus.py`` checks the outcomes and
``docs/reliability.md`` lists them (``markdown_table()``).
"""
