import ArgumentParser
import Interpreter

Engine.prepare()
Vista.main()
