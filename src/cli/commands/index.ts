// Every command of the CLI; each module adds itself to the program.
import type { Command } from "commander";
import { registerStart } from "./start.ts";
import { registerValidate } from "./validate.ts";

export const commands: Array<(program: Command) => void> = [registerStart, registerValidate];
