"""The generated case reader: a case's format (the JSON Schema of the policy version) and
its facts turned into one Python function that checks a parsed case and extracts its
facts in one pass.  It only says yes: a case it cannot pass (a problem, an unknown field,
anything unusual) goes to the exact reader of :mod:`policykit.engine.case`, which words
every problem.  The same holds for JSON: :mod:`.json_fast` parses with orjson and gives
way to the exact parser wherever the two could differ."""
