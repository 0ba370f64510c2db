/**
 * Public-domain texts bundled for "Load sample text": the Gettysburg Address (Bliss copy, 1863) and
 * the opening and closing of the Declaration of Independence (1776).
 */
export const SAMPLE_FILE_NAME = 'sample-gettysburg-declaration.txt';

export const SAMPLE_TEXT = `The Gettysburg Address
Abraham Lincoln, November 19, 1863

Four score and seven years ago our fathers brought forth on this continent, a new nation, conceived
in Liberty, and dedicated to the proposition that all men are created equal.

Now we are engaged in a great civil war, testing whether that nation, or any nation so conceived and
so dedicated, can long endure. We are met on a great battle-field of that war. We have come to
dedicate a portion of that field, as a final resting place for those who here gave their lives that
that nation might live. It is altogether fitting and proper that we should do this.

But, in a larger sense, we can not dedicate -- we can not consecrate -- we can not hallow -- this
ground. The brave men, living and dead, who struggled here, have consecrated it, far above our poor
power to add or detract. The world will little note, nor long remember what we say here, but it can
never forget what they did here. It is for us the living, rather, to be dedicated here to the
unfinished work which they who fought here have thus far so nobly advanced. It is rather for us to be
here dedicated to the great task remaining before us -- that from these honored dead we take
increased devotion to that cause for which they gave the last full measure of devotion -- that we
here highly resolve that these dead shall not have died in vain -- that this nation, under God, shall
have a new birth of freedom -- and that government of the people, by the people, for the people,
shall not perish from the earth.

The Declaration of Independence
In Congress, July 4, 1776

The unanimous Declaration of the thirteen united States of America.

When in the Course of human events, it becomes necessary for one people to dissolve the political
bands which have connected them with another, and to assume among the powers of the earth, the
separate and equal station to which the Laws of Nature and of Nature's God entitle them, a decent
respect to the opinions of mankind requires that they should declare the causes which impel them to
the separation.

We hold these truths to be self-evident, that all men are created equal, that they are endowed by
their Creator with certain unalienable Rights, that among these are Life, Liberty and the pursuit of
Happiness. That to secure these rights, Governments are instituted among Men, deriving their just
powers from the consent of the governed. That whenever any Form of Government becomes destructive of
these ends, it is the Right of the People to alter or to abolish it, and to institute new Government,
laying its foundation on such principles and organizing its powers in such form, as to them shall
seem most likely to effect their Safety and Happiness. Prudence, indeed, will dictate that
Governments long established should not be changed for light and transient causes; and accordingly
all experience hath shewn, that mankind are more disposed to suffer, while evils are sufferable, than
to right themselves by abolishing the forms to which they are accustomed. But when a long train of
abuses and usurpations, pursuing invariably the same Object evinces a design to reduce them under
absolute Despotism, it is their right, it is their duty, to throw off such Government, and to provide
new Guards for their future security.

We, therefore, the Representatives of the united States of America, in General Congress, Assembled,
appealing to the Supreme Judge of the world for the rectitude of our intentions, do, in the Name, and
by Authority of the good People of these Colonies, solemnly publish and declare, That these United
Colonies are, and of Right ought to be Free and Independent States; that they are Absolved from all
Allegiance to the British Crown, and that all political connection between them and the State of
Great Britain, is and ought to be totally dissolved; and that as Free and Independent States, they
have full Power to levy War, conclude Peace, contract Alliances, establish Commerce, and to do all
other Acts and Things which Independent States may of right do. And for the support of this
Declaration, with a firm reliance on the protection of divine Providence, we mutually pledge to each
other our Lives, our Fortunes and our sacred Honor.
`;

/** The sample as a File, ready for ctx.inputs.add. */
export function sampleFile(): File {
  return new File([SAMPLE_TEXT], SAMPLE_FILE_NAME, { type: 'text/plain' });
}
