// What the page knows, shared by the panels: people by id, the transcripts of the chats it
// opened, which chats are open (in opening order) and the one in front.
export const state = { people: new Map(), chats: new Map(), open: [], current: null };
