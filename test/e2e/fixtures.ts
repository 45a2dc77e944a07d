/** Workspace files and user settings for the end-to-end tests. */

export const FILES: Record<string, string> = {
  'single.py': [
    'def area(width, height):',
    '    """Area of a rectangle."""',
    '    return width * height',
    '',
    '',
    'def perimeter(width, height):',
    '    return 2 * (width + height)',
    '',
  ].join('\n'),
  'multi.py': [
    'import math',
    '',
    'def circle(r):',
    '    a = math.pi * r * r',
    '    c = 2 * math.pi * r',
    '    return a, c',
    '',
  ].join('\n'),
  'inline.py': [
    'def greet(name):',
    '    message = ',
    '    return message',
    '',
  ].join('\n'),
  'steps.py': [
    'values = [1, 2, 3]',
    'total = sum(values)',
    'print(total)',
    '',
  ].join('\n'),
  'holes.py': [
    'def mean(xs):',
    '    total = <FILL>',
    '    return total / <FILL>',
    '',
  ].join('\n'),
  'denoise.py': [
    'def square(x):',
    '    return x * x',
    '',
  ].join('\n'),
  'midfill.py': [
    'def fib(n):',
    '    if n < 2:',
    '        return n',
    '    return fib(n - 1) + fib(n - 2)',
    '',
  ].join('\n'),
  'cancel.py': [
    'def clamp(x, lo, hi):',
    '    return max(lo, min(x, hi))',
    '',
  ].join('\n'),
  'lens.py': [
    'def area(r):',
    '    return <FILL>',
    '',
    'def name():',
    '    return "circle"',
    '',
  ].join('\n'),
  'restart.py': [
    'class Point:',
    '    def __init__(self, x, y):',
    '        self.x = x',
    '        self.y = y',
    '',
  ].join('\n'),
};

export const USER_SETTINGS: Record<string, unknown> = {
  // A quiet workbench: no welcome page, chat, tips or update checks.
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'files.autoSave': 'off',
  'editor.inlineSuggest.enabled': true,
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.acceptSuggestionOnEnter': 'off',
  // Reproducible fills (same seed, same text).
  'pgmInfill.seed': 1234,
  // The confidence gate is calibrated for real use and hides most of the shipped model's inline
  // suggestions at a given spot; these scenarios check the editor mechanics, so every one is shown.
  // (trust.test.ts checks the gate's "low confidence" path with its own threshold.)
  'pgmInfill.confidenceThreshold': -100,
  'pgmInfill.capacity': 16,
  'pgmInfill.inline.debounceMs': 150,
  'pgmInfill.inline.maxTokens': 8,
};
