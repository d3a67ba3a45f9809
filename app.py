"""The frame only: the app and its WSGI server, for `python app.py` or a WSGI host."""

from essa_dash.app import create_app

app = create_app()
server = app.server

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8050, debug=False)
