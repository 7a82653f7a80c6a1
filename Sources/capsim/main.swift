import CapsimCLI

await Capsim.main()
