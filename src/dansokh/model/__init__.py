"""The model: typed plans and everything a plan's values mean.

``plan`` holds the Pydantic models of a plan; ``parse`` turns a plan file's data into a
``Plan``, with Pydantic's errors as diagnostics at their positions; ``catalogue`` holds the
indicators and units of measure in force (the data of ``catalogue.yaml``, and a repository's
catalogue file checked by ``catalogue_file``); ``years`` finds the years a text names and writes
it a year on; ``names`` matches Vietnamese names across tone-mark placement;
``numbers`` writes numbers the Vietnamese way; ``times`` reads months out of schedule times;
``schema`` is the JSON Schema of a plan file.

May import: i18n, diagnostics, config, read.
"""
