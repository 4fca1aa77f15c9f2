"""Pure writers: an audit report model in, XLSX / HTML / PDF bytes out. Never imports service/."""
