// A shared option read from its action input ('' means its default), refused in the action's words.
import * as core from '@actions/core';
import { OPTIONS, type OptionName, type OptionValue, readOption } from '../settings/options.js';

export function settingInput<K extends OptionName>(name: K): OptionValue<K> | undefined {
  return readOption(name, core.getInput(OPTIONS[name].input), (d) => `input ${d.input}`, ';');
}
