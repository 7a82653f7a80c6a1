import CapsimCLI

Capsim.main()
