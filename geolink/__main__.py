from geolink.cli import main

main()
