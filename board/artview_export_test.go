package board

// ArtGallery is the art gallery screen, for the tests of package
// board_test.
var ArtGallery = artGallery
