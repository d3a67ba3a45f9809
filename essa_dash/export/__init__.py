"""Exports of charts and data for use outside the dashboard: images, slides, spreadsheets."""
