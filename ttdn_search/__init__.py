"""ttdn-search: full-text search for Vietnamese thông tin đối ngoại news and reports."""

__version__ = "0.1.0"
