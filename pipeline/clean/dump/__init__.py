"""Full-page text dumps: line shapes (shapes.py), the article region (region.py) and the trained
line model (line_model.py; its weights in line_model.npz, written by scripts/train_page_lines.py).
Part of pipeline.clean."""
