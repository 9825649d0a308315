/** The map as a PNG (sharp), apart from the engine so that a search never loads sharp for it. */
export { mapPicture } from '../map/map-picture.ts';
