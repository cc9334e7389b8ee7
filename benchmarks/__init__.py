"""Speed measurements: ratios against PyTorch CPU, printed as tables (``make bench``)."""
