# The page templates; this folder ships inside the wheel as the package ttdn_search.templates.
