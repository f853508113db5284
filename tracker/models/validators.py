from django.core.validators import URLValidator

# Links people follow from the app: the web only, never javascript: or data: URLs.
web_url = URLValidator(schemes=["http", "https"], message="Enter a web address (http or https).")
