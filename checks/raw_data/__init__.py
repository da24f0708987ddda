"""The platforms' raw objects before anything is stored: flat frames of them (`frames`) and the
great-expectations suites they must pass (`suites`)."""
