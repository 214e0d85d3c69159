"""Questions asked of analysed models: explain one exposure, compare two versions."""
