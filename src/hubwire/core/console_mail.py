"""Mail printed to the terminal when no SMTP server is configured (`make run`).

Django's console backend prints the message as it would go on the wire, so a body with a long line
(an invitation or reset link) comes out quoted-printable: the link is cut by `=` soft line breaks
and `=3D` escapes, and a copy from the terminal does not work. This prints the decoded text."""

from django.core.mail.backends.console import EmailBackend as WireFormatConsoleBackend

SHOWN_HEADERS = ("From", "To", "Cc", "Reply-To", "Subject", "Date")


class EmailBackend(WireFormatConsoleBackend):
    def write_message(self, message):
        mime = message.message()
        lines = [f"{name}: {mime[name]}" for name in SHOWN_HEADERS if mime[name]]
        for part in mime.walk():
            if part.get_content_maintype() == "multipart":
                continue
            if part.get_content_maintype() == "text" and not part.is_attachment():
                lines += ["", part.get_content().rstrip("\n")]
            else:
                lines += ["", f"[attachment: {part.get_filename() or part.get_content_type()}]"]
        self.stream.write("\n".join(lines) + "\n" + "-" * 79 + "\n")
