// The greedy sample llama2.c publishes for stories260K (used by the Llama tests).
/**
 * Quoted as published in karpathy/llama2.c, doc/stories260K.md (commit
 * 350e04fe35433e6d2941dce5a1f53308f87058eb, the file last changed in b5a0b65d), the output of
 * `./run stories260K/stories260K.bin -z stories260K/tok512.bin -t 0.0`: temperature 0 (argmax),
 * run.c's default `-n 256` steps. The four lines are joined with "\n" as printed; run.c's final
 * printf("\n") after the loop is not part of the sample.
 */
export const PUBLISHED = [
  'Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.',
  'Lily\'s mom said, "Lily, let\'s go to the park." Lily was sad and didn\'t know what to do. She said, "I want to play with your ball, but I can\'t find it."',
  'Lily was sad and didn\'t know what to do. She said, "I\'m sorry, Lily. I didn\'t know what to do."',
  'Lily didn\'t want to help her mom, so she said, "I\'m sorry, mom. I didn\'t know what to do." Her mom said, "Don\'t worry, Lily. We can help you.',
].join('\n');
