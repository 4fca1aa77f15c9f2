"""Pure parsers: bytes in, typed records out. Never imports service/."""
