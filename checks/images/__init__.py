"""Reading published images as a person would: text written in them (checks/images/text.py) and faces counted,
never recognised (checks/images/faces.py); checks/images/reading.py puts them together."""
