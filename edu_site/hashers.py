"""How passwords are stored.

Every login costs one hash check, and a class logs in within the same few minutes. Django's
default, PBKDF2-SHA256 at 1,000,000 iterations, costs about 0.37 s of CPU per check on our
2-core machines, so thirty learners arriving together queue for ten seconds. Argon2id at
the minimum the OWASP Password Storage Cheat Sheet recommends (19 MiB of memory, 2 passes,
1 lane) costs about 34 ms, and because each guess also needs that memory it resists
GPU cracking better than PBKDF2 does at any iteration count we could afford.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class ClassroomArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended 19 MiB, t=2, p=1.

    The algorithm name stays "argon2", so hashes made with Django's heavier default
    parameters still verify, and Django rewrites them to these at the next login.
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
