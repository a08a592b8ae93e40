//! A place asked for by its exact id is that place, even when another id differs from it only
//! in punctuation (the generated grid's `g222-70` and `g22-270`).

use silkroute_feed::load_files;
use silkroute_route::Router;
use std::collections::HashMap;

#[test]
fn an_exact_id_wins_over_a_name_that_normalises_the_same() {
    let places = "id,name_en,country,lat,lon,kind,timezone,source
g22-270,\"junction 22,270\",ZZ,40,60,junction,UTC,test
g222-70,\"junction 222,70\",ZZ,40.1,60.1,junction,UTC,test
";
    let links = "id,from,to,mode,length_km,speed_kmh,status,source
a,g22-270,g222-70,road,10,50,open,test
";
    let modes = "mode,default_speed_kmh,run_p90_factor,default_wait_p50_h,default_wait_p90_h,default_energy,source
road,50,1.2,12,36,diesel,test
";
    let mut files: HashMap<&'static str, Vec<u8>> = HashMap::new();
    files.insert("places.csv", places.as_bytes().to_vec());
    files.insert("links.csv", links.as_bytes().to_vec());
    files.insert("modes.csv", modes.as_bytes().to_vec());
    files.insert(
        "cost_factors.csv",
        b"mode,country,usd_per_feu_km,source\nroad,*,1,test\n".to_vec(),
    );
    files.insert(
        "emission_factors.csv",
        b"mode,energy,ttw_g_per_tkm,wtw_g_per_tkm,source\nroad,diesel,60,75,test\n".to_vec(),
    );
    let (net, _) = load_files(&files).unwrap();
    let r = Router::new(net, Vec::new()).unwrap();
    for id in ["g22-270", "g222-70"] {
        assert_eq!(r.network().place(r.find(id).unwrap()).id, id);
    }
}
