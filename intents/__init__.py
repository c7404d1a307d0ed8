"""legcheck intents: what a person can say, defined once as data (sentences/en.yaml, hassil templates).

Use::

    from intents import match, Heard, KINDS, phrases, load_intents
    heard = match("um yeah I think so", kind="yes_no")   # Heard(text, "Yes", {}, 0.9)

Intents and their slots (``Heard.slots``; only the keys listed can appear):

=========== ==============================================================================================
Yes         {} or {"side": ...} when said together ("yes, the left one"); under a side question this
            comes back as Side instead. Hedged yeses ("probably", "a little", "kind of") are Yes.
No          {} or {"side": ...} ("no, the right one"; Side under a side question). "not really",
            "I don't think so", "probably not", "no chest pain", "I can breathe fine" are No. A bare "I
            don't", "I'm not", "I haven't" is not understood on purpose: it is also what a recognizer
            returns for a cut-off "I don't know" / "I'm not sure" / "I haven't checked". An answer mixing
            a no with "not sure" ("no, I don't know") is DontKnow.
DontKnow    {}. "I don't know", "not sure", "no idea", "maybe", "I can't remember". Never read as No.
Ability     {"ability": "cannot" | "can" | "no_cannot" | "no_can" | "yes_can" | "yes_cannot"}: "I can't
            (put weight on it)", "I can walk on it", with the yes or no said before it ("no, I can't" is
            no_cannot). Its meaning is the question's: the dialogue reads it through the question's
            cannot_is, so "no, I can't" to "is it too painful to put weight on it?" is a yes; where
            "I can't" says nothing of the finding only the yes or no said with it answers.
Side        {"side": "left" | "right" | "both" | "one"}, plus {"location": ...} when both were said.
            "one" is one leg without saying which ("just one", "only one leg").
Location    {"location": "calf" | "thigh" | "behind_knee" | "foot" | "whole_leg"}, plus {"side": ...}
            when said ("my left calf"). Shin and lower leg count as calf, ankle/heel/toes as foot,
            groin/upper leg/hamstring as thigh, knee as behind_knee.
Duration    {"minutes": float}. "a few seconds" 0.05; "a moment" 0.05; "half an hour" 30; "a few" = 3,
            "several" = 5, "a couple" = 2; "since this morning" 240; "since last night" 480 (an
            estimate: about 8 hours); "since yesterday" 1440; "two days" 2880; "a week" 10080; "a month"
            43200; "a year" 525600; "a day or two" 2880, "a week or two" 20160, "two or three days"
            4320. Estimates and ranges take the longer end: a longer pain is the more worrying one. A
            bare unit: "minutes" 5, "hours" 120, "days" 2880, "weeks" 20160.
            {"minutes_low": float} too for a range ("5 to 15 minutes": minutes 15, minutes_low 5; the
            answer is known only if both sides give the same); {"episode": "each"} for pain that comes and
            goes, where minutes is one bout ("a few minutes each time": 3).
            {"bound": "more" | "less" | "about"} too when a comparative was said with it: "more than /
            over / at least / longer than / ten minutes or more" is "more" (it lasted at least that
            long), "less than / under / not even / nearly / at most" is "less", "about / roughly / or
            so" is "about". The dialogue compares through it (triage.findings.lasting_answer): "over ten
            minutes" is more than ten, "about ten" is unknown.
Number      {"number": int}. Ages ("I'm 67", "sixty seven years old"; "in my sixties" is 65, the middle of
            the decade) and pain scores ("seven out of ten"; "six or seven" is 7). A bare number under a
            duration question stays Number with its confidence halved (the unit is unknown: ask again
            rather than guess minutes).
Emergency   {"symptom": "breathless" | "chest_pain" | "coughing_blood" | "fainting_or_racing_heart" |
            "cold_pale_or_numb" | "weakness_or_cannot_move"}. Recognised under every kind, and also
            found anywhere inside longer answers by the red-flag reader (intents/redflags.py, with its
            lexicon in lexicon/en.yaml: "no chest pain but I can't breathe", "yes and I feel a bit
            breathless", "cant breath", "call 911"), with negation and doubt read in scope: a denied
            sign ("no chest pain", "I'm not coughing up blood", "my breathing is fine") is never this, a
            doubted one ("not sure if I'm breathless") is. Caregivers' phrasings ("he can't breathe",
            "my wife collapsed") count. Dizziness, light-headedness and an irregular heartbeat count as
            fainting_or_racing_heart (CDC lists them with the signs of a clot in the lungs).
            {} (no symptom) for a request for help: "call an ambulance", "call 999", "it's an
            emergency"; the dialogue records it as the finding emergency_requested.
Why         {} ("why do you ask?", "what's that for?")
Help        {} ("help", "what can I say?", "I don't understand")
Repeat      {} ("say that again", "pardon", "sorry?")
StartOver   {} ("start over", "start again")
Stop        {} ("stop", "cancel", "never mind", "goodbye")
Back        {} ("go back") or a correction of the last answer: {"side"}, {"location"}, {"minutes"},
            {"number"} or {"answer": "yes" | "no"} ("no wait, it's the left one", "sorry I meant yes").
None        not understood: slots {}, confidence 0.0. Never to be taken as "no". From speech only, {"confirm":
            a red flag finding} when the recognizer heard one but did not trust it (skill.hearing.decide):
            the dialogue then checks that red flag in one line.
=========== ==============================================================================================

Kinds (the open question's kind, ``KINDS``): "yes_no", "side", "location", "duration", "number". The kind
picks the reading when a text matches several intents; Yes, No, DontKnow and Ability answer every kind;
Emergency, Why, Help, Repeat, Back, StartOver,
Stop and DontKnow are recognised under every kind (and with kind None).

``phrases(kind)``: every sentence a recognizer grammar for that kind should accept (the kind's own
answers, Yes/No/DontKnow and the always-on intents), lower case, words only, numbers spelt out.
``load_intents()``: the parsed hassil Intents, for the grammar and Alexa exporters. Template data blocks
with ``metadata: {spoken: false}`` are typed-only variants that the exporters leave out; only blocks with
``metadata: {recognizer: true}`` (the small spoken core) make up the recognizer grammars.

Confidence is the strictness of the matching pass that succeeded (1.0 exact, 0.9 fillers at the edges,
0.8 fillers anywhere, 0.7 spelling repairs or an emergency spotted in a longer sentence); see
intents/nlu.py.
"""

from .errors import IntentsError, UnknownKindError
from .nlu import KINDS, NOT_UNDERSTOOD, STOPPED, Heard, load_intents, match, phrases

__all__ = ["KINDS", "NOT_UNDERSTOOD", "STOPPED", "Heard", "IntentsError", "UnknownKindError", "load_intents", "match",
           "phrases"]
