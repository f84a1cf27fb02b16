"""The codebook: its model (themes > categories > codes, relations), loading and validation.

`model` holds the records and the version; `load` reads YAML files and pattern cards (`cards`)
with line numbers (`yaml_lines`, `fields`) and gives `project_codebook`, the one way a stage
gets the project's codebook; `filters` turns a code or theme into the passages coded with it.
"""
