"""The school's registers (docs/contracts/registers.md), from the files as exported to the frames a run audits with.

- `contract`: file names, columns, value sets and frame schemas;
- `reading`: a file's bytes to rows of cells (encodings, delimiters, header names and mappings);
- `values`: typed cells (dates, year groups, choices, ids, handles), every bad cell reported;
- `problems`: what refuses a load and what only warns, each placed by file, line and column;
- `suites`: the great-expectations suites over the frames, and their failures as a person reads them;
- `loaded` and `loading`: the `Registers` a run holds, and how all four are loaded (or none is);
- `changes`: whether a new version may replace the one in force (a hold), and `settling`: the registers a run
  audits with, holds applied and the approved library fingerprinted.
"""
