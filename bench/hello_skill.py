"""A minimal ask-sdk-core "hello world" skill, and the bare Flask app that serves it.

Two uses: the baseline that bench/endpoint.py measures our endpoint against (same run, same machine), and a
real ask-sdk-core skill for the HTTP tests while the legcheck skill is not there.

    gunicorn -w 2 -b 127.0.0.1:8081 --pythonpath bench 'hello_skill:create_hello_app()'
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, request

__all__ = ["build_hello_skill", "create_hello_app"]

GREETING = "Hello from the test skill."


class HelloHandler(AbstractRequestHandler):
    """Answers every request with a greeting; ends the session on SessionEndedRequest."""

    def can_handle(self, handler_input):
        return True

    def handle(self, handler_input):
        ended = handler_input.request_envelope.request.object_type == "SessionEndedRequest"
        builder = handler_input.response_builder
        if ended:
            return builder.response
        return builder.speak(GREETING).ask("Say hello again.").set_should_end_session(False).response


class SorryHandler(AbstractExceptionHandler):
    """Anything that goes wrong: a short spoken apology instead of an error."""

    def can_handle(self, handler_input, exception):
        return True

    def handle(self, handler_input, exception):
        return handler_input.response_builder.speak("Sorry, something went wrong.").response


def build_hello_skill() -> CustomSkill:
    builder = SkillBuilder()
    builder.add_request_handler(HelloHandler())
    builder.add_exception_handler(SorryHandler())
    return builder.create()


def create_hello_app() -> Flask:
    """The baseline: Flask + ask-sdk-core, no request verification, nothing else."""
    app = Flask("hello_skill")
    skill = build_hello_skill()
    serializer = DefaultSerializer()

    @app.post("/")
    def answer() -> Response:
        envelope = serializer.deserialize(request.get_data(as_text=True), RequestEnvelope)
        reply = skill.invoke(request_envelope=envelope, context=None)
        return app.json.response(serializer.serialize(reply))

    return app
