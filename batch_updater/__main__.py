from batch_updater.cli import main

main()
