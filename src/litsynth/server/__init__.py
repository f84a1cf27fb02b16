"""The workspace: `litsynth serve`, a local web app over the same library the CLI uses."""
