# dansokh in a container: `docker build -t dansokh .`, then, in a plans repository,
# `docker run --rm -v "$PWD:/plans" dansokh validate plans/`.  The image holds dansokh and its
# dependencies only; the plans are mounted at /plans, the working folder.
FROM python:3.12-slim

# git: `dansokh diff` and `validate --changed-since` read revisions
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends git && rm -rf /var/lib/apt/lists/*

COPY . /src
RUN python -m pip install --no-cache-dir /src && rm -rf /src

# a mounted repository belongs to another user: let git read it
RUN git config --system --add safe.directory '*'

ENV PYTHONUNBUFFERED=1 LANG=C.UTF-8
WORKDIR /plans
ENTRYPOINT ["dansokh"]
CMD ["validate"]
