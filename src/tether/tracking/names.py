"""Readable names for runs that were not given one, such as ``brisk-otter-417``."""

from __future__ import annotations

import random

_ADJECTIVES = (
    "amber agile ample bold brave bright brisk calm candid clever cosmic crisp curious dapper daring "
    "deft eager early fancy fast fearless gentle gleaming golden grand happy hardy honest humble jolly "
    "keen kind lively loyal lucid lunar merry mighty misty modest neat nimble noble plucky polished "
    "proud quick quiet rapid rare ready regal rustic sharp shiny silent sleek smooth snappy solar "
    "spry steady stellar stoic sturdy sunny swift tidy tranquil upbeat valiant vivid warm wise witty zesty"
).split()

_NOUNS = (
    "albatross antelope badger beaver bison bobcat condor cougar crane dolphin eagle falcon ferret finch "
    "fox gazelle gecko heron ibex jackal jaguar kestrel kiwi koala lemur lynx magpie marmot marten moose "
    "narwhal ocelot orca osprey otter owl panda panther pelican penguin puffin quail raven robin salmon "
    "seal shrike sparrow stork swan tapir tern tiger toucan trout turtle viper walrus weasel wombat yak zebra"
).split()


def random_run_name(rng: random.Random | None = None) -> str:
    pick = rng or random
    return f"{pick.choice(_ADJECTIVES)}-{pick.choice(_NOUNS)}-{pick.randint(100, 999)}"
