/** placeholder */
export const NEAR_DUPLICATE_MIN_SIMILARITY = 0.978;
