from litsynth.cli import main

main()
